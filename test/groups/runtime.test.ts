import { group } from '../helpers/group'

group(import.meta.glob('../runtime/**/*.test.ts'))
