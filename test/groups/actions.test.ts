import { group } from '../helpers/group'

group(import.meta.glob('../actions/**/*.test.ts'))
