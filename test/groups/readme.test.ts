import { group } from '../helpers/group'

// alone: the README's commands use the ids it shows, which must be new to the storage
group(import.meta.glob('../readme.test.ts'))
