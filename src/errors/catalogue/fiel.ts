import { defineErrors } from '../definition';

/** fiel errors: codes DM-7xxx. */
export const fielErrors = defineErrors({});
