import { group } from '../helpers/group'

group(import.meta.glob('../telemetry/**/*.test.ts'))
