import { group } from '../helpers/group'

group(import.meta.glob('../objects/**/*.test.ts'))
