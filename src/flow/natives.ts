/**
 * @module The functions JSONata gives every expression (`$pad`, `$map`, `$toMillis`, …), taken
 * from the library itself so that each can be replaced by a metered one (`metered-natives.ts`).
 */
import jsonata from 'jsonata'
import { NATIVE_COSTS, type NativeName } from './native-costs'

/** A JSONata native as the library defines it: `implementation` is called with the evaluation's focus as `this`. */
export interface NativeDefinition {
  readonly _jsonata_function: true
  readonly implementation: (this: NativeFocus, ...args: unknown[]) => unknown
  readonly signature?: unknown
}

/** What JSONata passes a native as `this`: the frame it is called in. */
export interface NativeFocus {
  readonly environment: { readonly base: object; readonly timestamp?: Date | null }
}

const ENTRY = Symbol.for('jsonata.__evaluate_entry')

let natives: ReadonlyMap<NativeName, NativeDefinition> | null = null

/**
 * JSONata's own definitions, read once from its static frame. JSONata exposes no list of them: an
 * evaluation's first step sees its frame, whose lookups reach the static one, and that first step
 * runs synchronously inside `evaluate()`.
 */
export function jsonataNatives(): ReadonlyMap<NativeName, NativeDefinition> {
  if (natives) return natives
  const found = new Map<NativeName, NativeDefinition>()
  const missing: string[] = []
  const probe = jsonata('0')
  probe.assign(
    ENTRY as unknown as string,
    (_node: unknown, _input: unknown, frame: { lookup(name: string): unknown }) => {
      if (found.size > 0 || missing.length > 0) return
      for (const name of Object.keys(NATIVE_COSTS) as NativeName[]) {
        const definition = frame.lookup(name)
        if (isNative(definition)) found.set(name, definition)
        else missing.push(name)
      }
    },
  )
  // the lookups above ran before evaluate() returns; the promise settles on 0 and nothing else
  void probe.evaluate({})
  if (missing.length > 0) throw new Error(`JSONata has no native ${missing.map((name) => `$${name}`).join(', ')}`)
  if (found.size === 0) throw new Error('JSONata did not call its entry hook synchronously')
  natives = found
  return found
}

function isNative(value: unknown): value is NativeDefinition {
  return typeof value === 'object' && value !== null && '_jsonata_function' in value && 'implementation' in value
}
