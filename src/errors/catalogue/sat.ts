import { defineErrors } from '../definition';

/** sat errors: codes DM-5xxx. */
export const satErrors = defineErrors({});
