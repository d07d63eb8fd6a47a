/** The store contract (tests/store/contract.ts) on Deno KV in a file, as `STORAGE=deno-kv:<file>` runs it. */
import { createStorage } from "unstorage";
import denoKvDriver from "unstorage/drivers/deno-kv";
import { storeContract } from "../store/contract.ts";

for (const c of storeContract) {
  Deno.test(`deno-kv: ${c.name}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "cms-notify-kv-" });
    const storage = createStorage({ driver: denoKvDriver({ path: `${dir}/kv.sqlite` }) });
    try {
      await c.run(storage);
    } finally {
      await storage.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
