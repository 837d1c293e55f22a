import { group } from '../helpers/group'

group(import.meta.glob('../store/**/*.test.ts'))
