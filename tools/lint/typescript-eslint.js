// typescript-eslint, as this workspace installs it: with the TypeScript 5.9 whose JS API it reads (eslint.config.js)
export { default } from 'typescript-eslint'
