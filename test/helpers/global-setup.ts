import type { TestProject } from 'vitest/node'
import { startTarget } from '../../bench/target.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    targetUrl: string
  }
}

export default async function setup(project: TestProject) {
  const target = await startTarget()
  project.provide('targetUrl', target.url)
  return () => target.close()
}
