import { defineErrors } from '../definition';

/** storage errors: codes DM-6xxx. */
export const storageErrors = defineErrors({});
