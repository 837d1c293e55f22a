/**
 * Reading the README's shell examples as a user's shell and curl would: the ```sh blocks, split into
 * commands (quotes, `\` line continuations, `&&`, `;`, `&`, `for … do … done`), each with the comment
 * lines that follow it, which show what it answers; and a curl command's request.
 */

/** A command of a ```sh block, the comments after it (its expected output), and how often it runs. */
export interface ShellCommand {
  section: string
  argv: string[]
  /** Its inline comment, then the comment lines up to the next command. */
  output: string[]
  times: number
}

interface Line {
  commands: string[][]
  comment: string | null
}

/** Splits shell text into lines of commands, as sh would for the simple syntax the README uses. */
function shellLines(text: string): Line[] {
  const lines: Line[] = []
  let commands: string[][] = []
  let words: string[] = []
  let word: string | null = null
  let comment: string | null = null
  const endWord = () => {
    if (word !== null) words.push(word)
    word = null
  }
  const endCommand = () => {
    endWord()
    if (words.length > 0) commands.push(words)
    words = []
  }
  const endLine = () => {
    endCommand()
    lines.push({ commands, comment })
    commands = []
    comment = null
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (char === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) throw new Error(`unclosed quote: ${text.slice(i, i + 40)}`)
      word = (word ?? '') + text.slice(i + 1, end)
      i = end
    } else if (char === '"') {
      let value = ''
      for (i++; text[i] !== '"'; i++) {
        if (i >= text.length) throw new Error('unclosed double quote')
        value += text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '') ? text[++i] : text[i]
      }
      word = (word ?? '') + value
    } else if (char === '\\') {
      if (text[i + 1] !== '\n') word = (word ?? '') + text[i + 1]
      i++
    } else if (char === '#' && word === null) {
      const end = text.indexOf('\n', i)
      // kept indented: an indented comment line continues the one above
      comment = text
        .slice(i + 1, end === -1 ? undefined : end)
        .replace(/^ /, '')
        .trimEnd()
      i = (end === -1 ? text.length : end) - 1
    } else if (char === '\n') endLine()
    else if (char === ' ' || char === '\t') endWord()
    else if (char === ';' || char === '&' || char === '|') {
      if (text[i + 1] === char) i++
      endCommand()
    } else word = (word ?? '') + char
  }
  endLine()
  return lines
}

/** `for i in 1 2 3; do <command>; done` as the command and the number of times it runs. */
function expandFor(commands: string[][]): { argv: string[]; times: number }[] {
  const [head, body, done] = commands
  if (head?.[0] !== 'for') return commands.map((argv) => ({ argv, times: 1 }))
  if (head[2] !== 'in' || body?.[0] !== 'do' || done?.join(' ') !== 'done' || commands.length !== 3)
    throw new Error(`unsupported loop: ${commands.map((each) => each.join(' ')).join('; ')}`)
  return [{ argv: body.slice(1), times: head.length - 3 }]
}

/** Every command of the ```sh blocks of `markdown`, in order, with the `#` or `##` section it is under. */
export function shellCommands(markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = []
  let section = ''
  for (const block of markdown.matchAll(/^(##? .*)$|^( *)```sh\n([\s\S]*?)^ *```$/gm)) {
    if (block[1]) {
      section = block[1].replace(/^#+ /, '')
      continue
    }
    const indent = new RegExp(`^ {0,${(block[2] ?? '').length}}`, 'gm')
    let last: ShellCommand | null = null
    for (const line of shellLines((block[3] ?? '').replace(indent, ''))) {
      const comment = line.comment === null ? [] : [line.comment]
      if (line.commands.length === 0) {
        last?.output.push(...comment)
        continue
      }
      for (const { argv, times } of expandFor(line.commands)) {
        last = { section, argv, output: [...comment], times }
        commands.push(last)
      }
    }
  }
  return commands
}

export interface CurlRequest {
  method: string
  /** As written: `localhost:8787/api/flows` or with its scheme. */
  url: string
  headers: Record<string, string>
  body: string | null
}

/** The request a curl command sends; `file` reads what `-d @path` names. Options it does not know are refused. */
export function curlRequest(argv: string[], file: (path: string) => string): CurlRequest {
  let method: string | null = null
  let url: string | null = null
  const headers: Record<string, string> = {}
  let body: string | null = null
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string
    const value = () => argv[++i] as string
    if (arg === '-X' || arg === '--request') method = value()
    else if (arg === '-H' || arg === '--header') {
      const header = value()
      headers[header.slice(0, header.indexOf(':')).trim().toLowerCase()] = header.slice(header.indexOf(':') + 1).trim()
    } else if (arg === '-d' || arg === '--data' || arg === '--data-binary') {
      const data = value()
      // -d strips carriage returns and newlines from a file; --data-binary keeps them
      const read = data.startsWith('@') ? file(data.slice(1)) : data
      body = arg === '--data-binary' || !data.startsWith('@') ? read : read.replace(/[\r\n]/g, '')
    } else if (arg === '-o' || arg === '--output' || arg === '-w' || arg === '--write-out') value()
    else if (arg === '-i' || arg === '--include' || arg === '-s' || arg === '--silent') continue
    else if (arg.startsWith('-')) throw new Error(`curl option ${arg} is not understood here`)
    else url = arg
  }
  if (url === null) throw new Error(`curl without a URL: ${argv.join(' ')}`)
  // what curl does: -d means POST, and a form unless a content type is given
  if (body !== null && headers['content-type'] === undefined)
    headers['content-type'] = 'application/x-www-form-urlencoded'
  return { method: method ?? (body === null ? 'GET' : 'POST'), url, headers, body }
}

/** What a command's comments say it answers: statuses (`HTTP/1.1 200 OK`, `202`, `202 202 429`) and a JSON body. */
export interface Shown {
  statuses: number[]
  /** The first JSON value a comment starts with, `…` meaning "anything here"; undefined when none parses. */
  body: unknown
}

const ELLIPSIS = '…'

/** The JSON value at the start of `text`, with `…` and `...` standing for omitted members or values. */
function leadingJson(text: string): unknown {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === '{' || char === '[') depth++
    else if ((char === '}' || char === ']') && --depth === 0) {
      const json = text
        .slice(0, i + 1)
        .replaceAll('...', ELLIPSIS)
        .replace(/\{…\}|\[…\]/g, `"${ELLIPSIS}"`)
        .replace(/,\s*…\s*(?=[,}\]])/g, '')
      try {
        return JSON.parse(json)
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

export function shown(output: string[]): Shown {
  const first = output[0] ?? ''
  const statuses = /^(?:HTTP\/[\d.]+ )?((?:[1-5]\d\d\b ?)+)/.exec(first)?.[1]?.trim().split(' ').map(Number) ?? []
  for (const line of output) {
    // an indented line continues a value shown above
    if (/^\s/.test(line)) continue
    const text = line.replace(/^(?:HTTP\/[\d.]+ )?(?:[1-5]\d\d )+/, '')
    if (!text.startsWith('{') && !text.startsWith('[')) continue
    const body = leadingJson(text)
    if (body !== undefined) return { statuses, body }
  }
  return { statuses, body: undefined }
}

/** Whether `actual` holds what `expected` shows: objects by their shown members, `…` in a string matching anything. */
export function holds(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'string' && expected.includes(ELLIPSIS)) return true
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((each, index) => holds(actual[index], each))
    )
  if (expected !== null && typeof expected === 'object')
    return (
      actual !== null &&
      typeof actual === 'object' &&
      Object.entries(expected).every(([key, value]) => holds((actual as Record<string, unknown>)[key], value))
    )
  return Object.is(actual, expected)
}
