import { group } from '../helpers/group'

group(import.meta.glob('../triggers/**/*.test.ts'))
