import jsonataSource from 'jsonata/jsonata.js?raw'
import { describe, expect, it } from 'vitest'

/**
 * Every place JSONata builds a regular expression or matches with one built from text, and why each
 * is linear here. A JSONata upgrade that adds or changes one fails this test until it is looked at.
 */
const COVERED: Record<string, string> = {
  '//const matcher = new RegExp(fullRegex);': 'commented out ($parseInteger)',
  "const matcher = new RegExp(fullRegex, 'i'); // TODO can cache this against the picture":
    '$toMillis picture: runs under withLinearRegExp, so this is RE2 (metered-natives.ts)',
  "var iso8601regex = new RegExp('^\\\\d{4}(-[01]\\\\d)?(-[0-3]\\\\d)?(T[0-2]\\\\d:[0-5]\\\\d:[0-5]\\\\d)?(\\\\.\\\\d+)?([+-][0-2]\\\\d:?[0-5]\\\\d|Z)?$');":
    "JSONata's own fixed pattern, without nested quantifiers: linear",
  'var re = new environment.base.RegexEngine(expr.value);': 'regex literals: the RegexEngine option, RE2 (LinearRegex)',
  'return new RegExp(pattern, flags);':
    'the parser compiles a regex literal (never matched with it); refused at PUT unless RE2 takes it',
  'prevParam.contextRegex = new RegExp(prevParam.regex); // pre-compiled to test the context type at runtime':
    'signatures: parsed under withLinearRegExp (checked-source.ts), so RE2',
  'var regex = new RegExp(regexStr);': 'signatures: parsed under withLinearRegExp (checked-source.ts), so RE2',
  'var match = badSig.match(partialPattern);':
    "signatures that do not match: V8's engine, bounded by SIGNATURE_LIMITS (one '+', four '?' or '-')",
}

describe("JSONata's regular expressions", () => {
  it('are each accounted for', () => {
    const sites = jsonataSource
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /new RegExp\(|new environment\.base\.RegexEngine\(|\.match\([a-zA-Z]/.test(line))
    expect(sites.sort()).toEqual(Object.keys(COVERED).sort())
  })
})
