import type { Readable } from 'node:stream';
import { SatCode } from '../sat-code';

export interface DownloadTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  /** The package's ZIP bytes as they arrive; absent when SAT refused. */
  readonly paquete: Readable | undefined;
  /** Always 200: any other status is thrown. */
  readonly httpStatus: number;
}

/** Descarga's answer read for what it means; `paquete` may be the stream or whether there was one. */
export class DownloadResult {
  readonly status: SatCode;

  constructor(
    private readonly answer: {
      readonly codEstatus: string;
      readonly paquete: Readable | boolean | undefined;
    },
  ) {
    this.status = new SatCode(answer.codEstatus);
  }

  hasPackage(): boolean {
    return Boolean(this.answer.paquete);
  }
}
