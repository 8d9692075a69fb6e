import { defineErrors } from '../definition';

/** db errors: codes DM-8xxx. */
export const dbErrors = defineErrors({});
