import type { Command } from 'commander';
import {
  beginFileRotation,
  createSecretBox,
  finishFileRotation,
  rotateMasterKey,
  SecretBox,
} from '../../services/secrets';
import { withDatabase } from './database';

/**
 * `rotate-master-key`: re-seals every stored secret under a new master key. Embedded mode generates
 * the new key file itself; with environment keys the operator sets MASTER_KEY to the new key and
 * MASTER_KEY_PREVIOUS to the old one first. Interrupted, it can simply be run again.
 */
export function registerRotateMasterKeyCommand(program: Command): void {
  program
    .command('rotate-master-key')
    .description('Re-encrypt every FIEL key, password and API secret with a new master key')
    .action(async () => {
      await withDatabase({ migrate: true }, async (database, config) => {
        const fromFile = config.masterKey === undefined;
        let box: SecretBox;
        if (fromFile) {
          const ring = await beginFileRotation(config.dataDir);
          box = new SecretBox(ring.current, ring.previous);
        } else {
          box = await createSecretBox({
            masterKey: config.masterKey,
            masterKeyPrevious: config.masterKeyPrevious,
            dataDir: config.dataDir,
            allowGenerate: false,
          });
        }
        const result = await rotateMasterKey(database.dataSource, box);
        if (fromFile) await finishFileRotation(config.dataDir);
        for (const [table, count] of Object.entries(result.rewrapped))
          console.log(`${table}: ${count} re-encrypted`);
        console.log(`Master key rotated; key id ${box.currentKeyId}.`);
        if (!fromFile)
          console.log('Remove MASTER_KEY_PREVIOUS from the environment and restart the service.');
        else console.log('Restart running services so they load the new key file.');
      });
    });
}
