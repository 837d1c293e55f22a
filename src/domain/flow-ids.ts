/** @module Identifiers of flows and tasks: plain expression paths (`outputs.<taskId>`). */
import * as z from 'zod'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const MESSAGE = 'must start with a letter or "_" and hold only letters, digits and "_" (64 at most)'

export const FlowId = z.string().regex(IDENTIFIER, MESSAGE)
export const TaskId = z.string().regex(IDENTIFIER, MESSAGE)
