/**
 * @module The forms a secret's value takes in what an execution records, one character at a time,
 * so that any mix of them is found: as it is; JSON-escaped (`\"`, `\\`, `\n`, `\u00e9`), once or
 * twice (JSON text inside a JSON string); HTML-escaped (`&amp;`);
 * percent-encoded as UTF-8 with either case of hex digit, which covers every percent-encode set of
 * the WHATWG URL standard (fragment, query, special-query, path, userinfo, component,
 * `application/x-www-form-urlencoded`) and `encodeURIComponent` / `encodeURI`, whichever characters
 * each set leaves alone — so a secret that spans a URL's path, query and fragment is found too;
 * a space as `+` (form encoding, `URLSearchParams`); a letter lower-cased (a URL's host); `\` as
 * `/` (a special URL's path). What a URL parser drops or rewrites beyond that (tabs and newlines,
 * `.` and `..` segments, IDNA) is left to `Secrets.conceal`: the URL is then masked whole.
 */

/** What a regular expression matches literally. */
const literal = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')

const hex = (byte: number) => byte.toString(16).padStart(2, '0')
const utf8 = new TextEncoder()

/** The characters HTML escapes, as escaped. */
const HTML: Record<string, string[]> = {
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '"': ['&quot;', '&#34;'],
  "'": ['&#39;', '&#x27;', '&apos;'],
}

/** Every form one character (a code point) of a secret may take. */
export function charForms(char: string): string[] {
  let forms = known.get(char)
  if (forms === undefined) {
    // the characters of a few secrets: a bound only against a value of every code point
    if (known.size > 10_000) known.clear()
    forms = formsOf(char)
    known.set(char, forms)
  }
  return forms
}

/** The forms of the characters met so far. */
const known = new Map<string, string[]>()

function formsOf(char: string): string[] {
  const json = JSON.stringify(char).slice(1, -1)
  // JSON inside a JSON string (a body that is JSON text), and HTML (an error page quoting a URL)
  const forms = new Set([char, char.toLowerCase(), json, JSON.stringify(json).slice(1, -1), ...(HTML[char] ?? [])])
  const bytes = [...utf8.encode(char)]
  forms.add(bytes.map((byte) => `%${hex(byte)}`).join(''))
  forms.add(bytes.map((byte) => `%${hex(byte).toUpperCase()}`).join(''))
  const code = char.codePointAt(0)!
  if (code < 0x20 || code > 0x7e) {
    // JSON that escapes everything outside printable ASCII, one UTF-16 unit at a time
    const units = [...Array(char.length).keys()].map((index) => char.charCodeAt(index).toString(16).padStart(4, '0'))
    forms.add(units.map((unit) => `\\u${unit}`).join(''))
    forms.add(units.map((unit) => `\\u${unit.toUpperCase()}`).join(''))
  }
  if (char === ' ') forms.add('+')
  if (char === '\\') forms.add('/')
  // longest first: a regex alternation takes the first that matches
  return [...forms].sort((a, b) => b.length - a.length)
}

/** A regular expression (source) that matches `value` in any mix of its characters' forms. */
export function formsPattern(value: string): string {
  // a run of one character takes one form throughout: `\\` would otherwise match a run of
  // backslashes in 3^n ways, and a failed match would try them all
  return (value.match(/(.)\1*/gsu) ?? [])
    .map((run) => {
      const count = [...run].length
      if (count === 1) return alternatives(run)
      return `(?:${charForms(String.fromCodePoint(run.codePointAt(0)!))
        .map((form) => literal(form).repeat(count))
        .join('|')})`
    })
    .join('')
}

/** The alternation of the forms of one character, as a regular expression's source. */
function alternatives(char: string): string {
  let source = sources.get(char)
  if (source === undefined) {
    if (sources.size > 10_000) sources.clear()
    source = `(?:${charForms(char).map(literal).join('|')})`
    sources.set(char, source)
  }
  return source
}

const sources = new Map<string, string>()

/** The forms of each character of `value`. */
export const valueForms = (value: string): string[][] => [...value].map(charForms)

/**
 * Where the longest part of a value (at least `min` characters, not all of it) that `text` ends
 * with at `end` starts, in any of its forms (`chars`, from `valueForms`), or -1.
 */
export function partAtEnd(text: string, end: number, chars: string[][], min: number): number {
  // a character takes at most 12 characters of text (4 bytes percent-encoded, or 2 \u escapes)
  for (let start = Math.max(0, end - 12 * chars.length); start <= end - min; start++) {
    let at = start
    let count = 0
    while (at < end && count < chars.length - 1) {
      const form = (chars[count] as string[]).find((each) => text.startsWith(each, at))
      if (form === undefined || at + form.length > end) break
      at += form.length
      count++
    }
    if (at === end && count >= min) return start
  }
  return -1
}
