import type { TrustStore } from './certificates';
import type { FaultPlan, InjectedFault, TaggedFault } from './faults';
import type { Operation, Servicio } from './protocol';
import type { HoldAccepted, RequestRegistry, RequestSettings } from './requests';
import type { TokenStore } from './tokens';

/** What tests and demos can see and steer. */
export class SimulatorState {
  readonly calls: Record<Operation, number> = {
    autenticacion: 0,
    solicitud: 0,
    verificacion: 0,
    descarga: 0,
  };
  /** Calls per signer RFC and operation (Autentica counted by its certificate's RFC). */
  readonly callsByRfc = new Map<string, Record<Operation, number>>();
  readonly downloads = new Map<string, number>();
  /** Faults injected so far, by kind (`codEstatus:404`, `latency`, `drop`…). */
  readonly faultsInjected = new Map<string, number>();
  private readonly initialSettings: RequestSettings;

  constructor(
    readonly registry: RequestRegistry,
    readonly faults: FaultPlan,
    readonly trust: TrustStore,
    readonly tokens: Record<Servicio, TokenStore>,
    readonly clock: () => Date,
    /** Strict mode (see `SatSimulatorOptions.strict`); fixed for the simulator's life. */
    readonly strict = false,
  ) {
    // The options are checked as the run-time setters check them, and are what reset() returns to.
    this.setHoldAccepted(registry.settings.holdAccepted);
    this.setDailyRequestLimit(registry.settings.dailyRequestLimit);
    this.initialSettings = registry.settings;
  }

  /**
   * The next call of `operation` (the next one the fault fits when undefined) fails this way; queued:
   * call several times for several failures. Throws a RangeError for a fault that cannot happen on
   * `operation` (e.g. `acceptThenDrop` on Verificación).
   */
  failNext(operation: Operation | undefined, fault: InjectedFault, rfc?: string): void {
    this.faults.add(fault, operation, rfc);
  }

  /** The run-time settings now in force (holds, metadata lifetime count, daily limit). */
  get settings(): RequestSettings {
    return this.registry.settings;
  }

  /**
   * From now on, requests of each TipoSolicitud stay Aceptada this many seconds before progressing.
   * It applies to requests already accepted and not yet finished too (lowering it releases them).
   */
  setHoldAccepted(hold: HoldAccepted): void {
    const given: { Metadata?: number; CFDI?: number } = {};
    for (const tipo of ['Metadata', 'CFDI'] as const) {
      const seconds = hold[tipo];
      if (seconds === undefined) continue;
      if (!(Number.isFinite(seconds) && seconds >= 0))
        throw new RangeError(`holdAccepted.${tipo} must be a number of seconds >= 0`);
      given[tipo] = seconds;
    }
    this.registry.settings = { ...this.registry.settings, holdAccepted: given };
  }

  /** Whether identical Metadata requests count toward SAT's lifetime limit of two (third → 5002). */
  setCountMetadataLifetime(on: boolean): void {
    this.registry.settings = { ...this.registry.settings, countMetadataLifetime: on };
  }

  /** SolicitaDescarga requests each RFC may have accepted per Mexico City day (undefined: no limit). */
  setDailyRequestLimit(limit: number | undefined): void {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
      throw new RangeError('dailyRequestLimit must be an integer >= 0');
    this.registry.settings = { ...this.registry.settings, dailyRequestLimit: limit };
  }

  /** Counts an injected fault under its kind (`codEstatus:404`, `latency`, `drop`…). */
  countFault(fault: TaggedFault): void {
    const kind = fault.kind === 'codEstatus' ? `codEstatus:${fault.codEstatus}` : fault.kind;
    this.faultsInjected.set(kind, (this.faultsInjected.get(kind) ?? 0) + 1);
  }

  countCall(operation: Operation, rfc: string | undefined): void {
    this.calls[operation] += 1;
    if (!rfc) return;
    const counts = this.callsByRfc.get(rfc) ?? {
      autenticacion: 0,
      solicitud: 0,
      verificacion: 0,
      descarga: 0,
    };
    counts[operation] += 1;
    this.callsByRfc.set(rfc, counts);
  }

  tokensIssued(): number {
    return this.tokens.cfdi.count() + this.tokens.retenciones.count();
  }

  /** Back to the start: no requests, counters or faults, and the settings given as options. */
  reset(): void {
    this.faults.clear();
    this.registry.clear();
    this.registry.settings = this.initialSettings;
    this.downloads.clear();
    this.faultsInjected.clear();
    this.callsByRfc.clear();
    for (const key of Object.keys(this.calls) as Operation[]) this.calls[key] = 0;
  }
}
