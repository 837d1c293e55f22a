import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { junitXml, xmlText } from '../../src/cli/junit.ts'

const report = {
  passed: false,
  total: 2,
  failed: 1,
  cases: [
    { name: 'ships <fast> & "cheap"', passed: true, differences: [], status: 'completed', virtualMs: 86_400_000 },
    {
      name: "it's refunded",
      passed: false,
      status: 'failed',
      virtualMs: 0,
      differences: [
        { path: 'expect.status', message: 'status is failed', expected: 'completed', actual: 'failed' },
        { path: 'mocks', message: 'task a: GET https://x.test/?a=1&b=<2> matches no mock' },
      ],
    },
  ],
}

describe('JUnit XML', () => {
  it('escapes the five special characters, keeps newlines in attributes, and replaces what XML 1.0 cannot hold', () => {
    assert.equal(xmlText(`a<b>&"c"'d'`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;')
    assert.equal(xmlText('one\ntwo\tthree\r'), 'one&#10;two&#9;three&#13;')
    assert.equal(xmlText('nul\u0000 esc\u001b bell\u0007'), 'nul\ufffd esc\ufffd bell\ufffd')
    // a pair of surrogates is one character beyond the BMP; a lone one is no character at all
    assert.equal(xmlText('😀 \ud83d x \ude00 \ufffe\uffff'), '😀 \ufffd x \ufffd \ufffd\ufffd')
    assert.equal(xmlText(']]> Ünï中'), ']]&gt; Ünï中')
  })

  it('writes a suite per test document, a case per test case, failures with their differences, errors for documents that did not run', () => {
    const xml = junitXml([
      { document: 'examples/orders.test.yaml', report: report as never, ms: 1234 },
      {
        document: 'examples/broken.test.yaml',
        error: 'error: 400 invalid_request: bad <doc>\n  cases: required',
        ms: 5,
      },
    ])
    assert.equal(
      xml,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="edgeflow" tests="3" failures="1" errors="1" time="1.239">',
        '  <testsuite name="examples/orders.test.yaml" tests="2" failures="1" errors="0" skipped="0" time="1.234">',
        '    <testcase name="ships &lt;fast&gt; &amp; &quot;cheap&quot;" classname="orders" time="0.000">',
        '      <system-out>status completed, 86400000 ms of virtual time</system-out>',
        '    </testcase>',
        '    <testcase name="it&apos;s refunded" classname="orders" time="0.000">',
        '      <failure message="2 differences" type="expectation">expect.status: status is failed expected &quot;completed&quot;, got &quot;failed&quot;&#10;mocks: task a: GET https://x.test/?a=1&amp;b=&lt;2&gt; matches no mock</failure>',
        '      <system-out>status failed, 0 ms of virtual time</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="examples/broken.test.yaml" tests="1" failures="0" errors="1" skipped="0" time="0.005">',
        '    <testcase name="examples/broken.test.yaml" classname="broken" time="0.005">',
        '      <error message="error: 400 invalid_request: bad &lt;doc&gt;&#10;  cases: required" type="error">error: 400 invalid_request: bad &lt;doc&gt;&#10;  cases: required</error>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    )
  })
})
