import { group } from '../helpers/group'

// the index sweep shares the README's runtime (readme.test.ts)
group(import.meta.glob(['../objects/**/*.test.ts', '!../objects/index-sweep.test.ts']))
