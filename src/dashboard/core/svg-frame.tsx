/** @module The `<svg>` every chart sits in: its size in px (no scaling, so text stays readable), a name for assistive technology. */
import type { Child } from 'hono/jsx'

export const SvgFrame = (props: { class: string; width: number; height: number; label: string; children: Child }) => (
  <svg
    class={props.class}
    width={props.width}
    height={props.height}
    viewBox={`0 0 ${props.width} ${props.height}`}
    role="group"
    aria-label={props.label}
  >
    {props.children}
  </svg>
)
