/**
 * @module Flow test reports as JUnit XML (`--reporter junit`), the file CI tools read (GitLab,
 * Jenkins, GitHub's test reporters): one `<testsuite>` per test document, one `<testcase>` per case,
 * a `<failure>` holding its differences, an `<error>` when the document could not run at all. Pure.
 */
import type { FlowTestReport } from '../client/index.ts'
import { differenceText } from './format.ts'

/** What running one test document gave: its report, or why it could not run. */
export type DocumentRun = { document: string; ms: number } & ({ report: FlowTestReport } | { error: string })

/**
 * Text as XML 1.0 character data or an attribute value: the five special characters escaped, and
 * what XML 1.0 cannot hold at all (control characters but tab, newline and carriage return, lone
 * surrogates, U+FFFE and U+FFFF) replaced by U+FFFD — a reader refuses the whole file otherwise.
 */
export function xmlText(text: string): string {
  let out = ''
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    const next = text.charCodeAt(at + 1)
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text[at] + (text[at + 1] as string)
      at += 1
      continue
    }
    out += xmlChar(code, text[at] as string)
  }
  return out
}

function xmlChar(code: number, char: string): string {
  switch (char) {
    case '&':
      return '&amp;'
    case '<':
      return '&lt;'
    case '>':
      return '&gt;'
    case '"':
      return '&quot;'
    case "'":
      return '&apos;'
  }
  // in an attribute a raw newline or tab would be read back as a space
  if (code === 0x09 || code === 0x0a || code === 0x0d) return `&#${code};`
  const forbidden = code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff
  return forbidden ? '\ufffd' : char
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

/** The suite `name` classifies its cases by: the test document's file name without `.test.*`. */
const classOf = (document: string) => (document.split(/[\\/]/).at(-1) ?? document).replace(/\.test\.[^.]+$/, '')

function suiteXml(run: DocumentRun): string[] {
  const name = xmlText(run.document)
  const className = xmlText(classOf(run.document))
  const time = seconds(run.ms)
  if ('error' in run) {
    const message = xmlText(run.error)
    return [
      `  <testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0" time="${time}">`,
      `    <testcase name="${name}" classname="${className}" time="${time}">`,
      `      <error message="${message}" type="error">${message}</error>`,
      '    </testcase>',
      '  </testsuite>',
    ]
  }
  const { report } = run
  const cases = report.cases.flatMap((each) => {
    const head = `    <testcase name="${xmlText(each.name)}" classname="${className}" time="0.000">`
    const out = `      <system-out>${xmlText(`status ${each.status}, ${each.virtualMs} ms of virtual time`)}</system-out>`
    if (each.passed) return [head, out, '    </testcase>']
    const message = `${each.differences.length} difference${each.differences.length === 1 ? '' : 's'}`
    return [
      head,
      `      <failure message="${message}" type="expectation">${xmlText(each.differences.map(differenceText).join('\n'))}</failure>`,
      out,
      '    </testcase>',
    ]
  })
  return [
    `  <testsuite name="${name}" tests="${report.total}" failures="${report.failed}" errors="0" skipped="0" time="${time}">`,
    ...cases,
    '  </testsuite>',
  ]
}

/** The runs of test documents as one JUnit XML document. */
export function junitXml(runs: readonly DocumentRun[]): string {
  const count = (pick: (run: DocumentRun) => number) => runs.reduce((sum, run) => sum + pick(run), 0)
  const tests = count((run) => ('error' in run ? 1 : run.report.total))
  const failures = count((run) => ('error' in run ? 0 : run.report.failed))
  const errors = count((run) => ('error' in run ? 1 : 0))
  const time = seconds(count((run) => run.ms))
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="edgeflow" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`,
    ...runs.flatMap(suiteXml),
    '</testsuites>',
    '',
  ].join('\n')
}
