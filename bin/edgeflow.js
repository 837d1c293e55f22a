#!/usr/bin/env node
// The CLI runs its TypeScript sources with Node's type stripping (Node ≥ 22.18, or 23.6+): in this
// repository `npx edgeflow` and npm scripts use the Node 24 of the `node` devDependency.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `edgeflow's CLI needs Node 22.18 or later (this is ${process.version}); run it with npx edgeflow in the repository, which uses Node 24\n`,
  )
  process.exit(2)
}
// type stripping is stable in Node 24 but still announces itself: its warning is no news to a CLI user
process.removeAllListeners('warning')
const { main } = await import('../src/cli/main.ts')
const { readStdin } = await import('../src/cli/stdin.ts')
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readStdin,
})
