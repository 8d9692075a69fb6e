import { InvalidArgumentError, type Command } from 'commander';
import type { AppConfig } from '../../config';
import type { OpenDatabase } from '../../db';
import { TenantService } from '../../services/accounts';
import { WEBHOOK_EVENTS, WebhookService, type WebhookSummary } from '../../services/notifications';
import { withDatabase } from './database';
import { openSecretBox } from './secret-box';

interface Scoped {
  tenant: string;
}

/** The tenant and its webhook service, as the service builds it (same vault key, same HTTPS rule). */
async function open(
  database: OpenDatabase,
  config: AppConfig,
  slug: string,
): Promise<{ tenant: { id: string; slug: string }; webhooks: WebhookService }> {
  const tenant = await new TenantService(database.dataSource).get(slug);
  const webhooks = new WebhookService(database.dataSource, await openSecretBox(config), {
    allowHttp: config.notifications.allowHttp,
  });
  return { tenant, webhooks };
}

function eventsText(webhook: WebhookSummary): string {
  return webhook.eventos.length === 0 ? 'all events' : webhook.eventos.join(',');
}

function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a positive whole number');
  return parsed;
}

function registerAdd(webhook: Command): void {
  webhook
    .command('add')
    .description('Register a webhook; prints its signing secret once')
    .requiredOption('--tenant <slug>', 'tenant whose events it receives')
    .requiredOption('--url <url>', 'receiver address (https://; http:// only with WEBHOOK_ALLOW_HTTP=true)')
    .option('--events <list>', `comma-separated events (${WEBHOOK_EVENTS.join(', ')}); all when absent`)
    .action(async (options: Scoped & { url: string; events?: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const { tenant, webhooks } = await open(database, config, options.tenant);
        const registered = await webhooks.register(tenant.id, {
          url: options.url,
          eventos: options.events?.split(',') ?? [],
        });
        console.log(`Webhook ${registered.webhook.id} registered in tenant ${tenant.slug}.`);
        console.log(`  URL:            ${registered.webhook.url}`);
        console.log(`  Events:         ${eventsText(registered.webhook)}`);
        console.log(`  Signing secret: ${registered.secret}`);
        console.log('Store the secret now: it is shown only once.');
      });
    });
}

function registerList(webhook: Command): void {
  webhook
    .command('list')
    .description('List the webhooks of a tenant (never their secrets)')
    .requiredOption('--tenant <slug>', 'tenant')
    .option('--json', 'print a JSON array instead of tab-separated lines', false)
    .action(async (options: Scoped & { json: boolean }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const { tenant, webhooks } = await open(database, config, options.tenant);
        const list = await webhooks.list(tenant.id);
        if (options.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        for (const item of list) {
          console.log(
            [
              item.id,
              item.activo ? 'active' : 'disabled',
              eventsText(item),
              item.url,
              item.createdAt.toISOString(),
            ].join('\t'),
          );
        }
      });
    });
}

function registerById(
  webhook: Command,
  name: string,
  description: string,
  act: (webhooks: WebhookService, tenantId: string, id: string) => Promise<unknown>,
  done: string,
): void {
  webhook
    .command(name)
    .description(description)
    .requiredOption('--tenant <slug>', 'tenant')
    .requiredOption('--id <id>', 'webhook id (from webhook list)')
    .action(async (options: Scoped & { id: string }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const { tenant, webhooks } = await open(database, config, options.tenant);
        await act(webhooks, tenant.id, options.id.trim());
        console.log(`Webhook ${options.id.trim()} ${done} in tenant ${tenant.slug}.`);
      });
    });
}

function registerDeliveries(webhook: Command): void {
  webhook
    .command('deliveries')
    .description('Show the latest deliveries of a tenant’s webhooks, newest first, with every attempt')
    .requiredOption('--tenant <slug>', 'tenant')
    .option('--id <id>', 'only this webhook')
    .option('--limit <n>', 'how many', positive, 20)
    .option('--json', 'print a JSON array instead of tab-separated lines', false)
    .action(async (options: Scoped & { id?: string; limit: number; json: boolean }) => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const { tenant, webhooks } = await open(database, config, options.tenant);
        const deliveries = await webhooks.recentDeliveries(tenant.id, {
          limit: options.limit,
          ...(options.id ? { webhookId: options.id.trim() } : {}),
        });
        const attempts = await webhooks.attemptsOf(
          tenant.id,
          deliveries.map((item) => item.id),
        );
        if (options.json) {
          const withLog = deliveries.map((item) => ({ ...item, attemptLog: attempts.get(item.id) ?? [] }));
          console.log(JSON.stringify(withLog, null, 2));
          return;
        }
        for (const item of deliveries) {
          console.log(
            [
              item.id,
              item.createdAt.toISOString(),
              item.evento,
              item.estado,
              `${item.attempts} attempt(s)`,
              item.lastStatusCode === null ? '-' : `HTTP ${item.lastStatusCode}`,
              item.lastError ?? '',
            ].join('\t'),
          );
          for (const attempt of attempts.get(item.id) ?? []) {
            console.log(
              [
                `  attempt ${attempt.attempt}`,
                attempt.startedAt.toISOString(),
                attempt.statusCode === null ? '-' : `HTTP ${attempt.statusCode}`,
                `${attempt.durationMs} ms`,
                attempt.resultado,
                attempt.nextAttemptAt ? `next ${attempt.nextAttemptAt.toISOString()}` : '',
                attempt.error ?? '',
              ].join('\t'),
            );
          }
        }
      });
    });
}

/** `webhook add|list|remove|enable|disable|deliveries`: a tenant's notifications. */
export function registerWebhookCommand(program: Command): void {
  const webhook = program
    .command('webhook')
    .description('Manage the webhooks (signed notifications) of a tenant');
  registerAdd(webhook);
  registerList(webhook);
  registerById(
    webhook,
    'remove',
    'Remove a webhook and its delivery log',
    (webhooks, tenantId, id) => webhooks.remove(tenantId, id),
    'removed',
  );
  registerById(
    webhook,
    'enable',
    'Enable a webhook again',
    (webhooks, tenantId, id) => webhooks.setActive(tenantId, id, true),
    'enabled',
  );
  registerById(
    webhook,
    'disable',
    'Disable a webhook: no new deliveries, pending ones are given up',
    (webhooks, tenantId, id) => webhooks.setActive(tenantId, id, false),
    'disabled',
  );
  registerDeliveries(webhook);
}
