import { defineErrors } from '../definition';

/** solicitudes errors: codes DM-9xxx. */
export const solicitudesErrors = defineErrors({});
