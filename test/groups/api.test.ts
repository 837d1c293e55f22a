import { group } from '../helpers/group'

group(import.meta.glob('../api/**/*.test.ts'))
