import type { DataSource } from 'typeorm';
import { foldSolicitudListCounts } from '../../db';

/**
 * Keeps the list's kept counts small: every change of a solicitud's group adds delta rows, which a
 * list page sums. Folding them now and then keeps that sum to about one row per group.
 */
export class ListCountUpkeep {
  constructor(private readonly dataSource: DataSource) {}

  /** Folds every group's deltas into one row; returns how many delta rows were removed. */
  async fold(): Promise<number> {
    return foldSolicitudListCounts(this.dataSource);
  }
}
