/** @module Validation issues: the path of each bad field and what is wrong with it. */
import type * as z from 'zod'

export interface Issue {
  path: string
  message: string
}

export const formatPath = (path: readonly PropertyKey[]): string => path.map(String).join('.')

export const fromZod = (error: z.ZodError): Issue[] =>
  error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
