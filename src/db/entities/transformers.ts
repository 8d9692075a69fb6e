import type { ValueTransformer } from 'typeorm';

/**
 * pg returns int8 as a string to avoid precision loss; sizes and counters here stay far below 2^53,
 * so they are numbers in the entities.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
