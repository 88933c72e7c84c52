// Runs AWS SDK for JavaScript v3 calls against the endpoint named by the standard
// AWS_* variables; prints one JSON line per call: {"ok": ..., "output"|"error": ...}.
// Usage: node client.js <command> [args...]
"use strict";
const kms = require("@aws-sdk/client-kms");
const hsm = require("@aws-sdk/client-cloudhsm-v2");

function hsmClient() {
  // @aws-sdk/client-cloudhsm-v2 releases before 3.4xx do not read
  // AWS_ENDPOINT_URL_CLOUDHSM_V2 themselves, so it is passed on when set.
  const endpoint = process.env.AWS_ENDPOINT_URL_CLOUDHSM_V2;
  return new hsm.CloudHSMV2Client(endpoint ? { endpoint } : {});
}

async function run(command, args) {
  switch (command) {
    case "encrypt-decrypt": {
      const client = new kms.KMSClient({});
      const plaintext = Buffer.from(args[1], "utf8");
      const encrypted = await client.send(
        new kms.EncryptCommand({ KeyId: args[0], Plaintext: plaintext }));
      const decrypted = await client.send(
        new kms.DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
      return {
        KeyId: encrypted.KeyId,
        Plaintext: Buffer.from(decrypted.Plaintext).toString("utf8"),
        attempts: [encrypted.$metadata.attempts, decrypted.$metadata.attempts],
      };
    }
    case "describe-clusters": {
      const out = await hsmClient().send(new hsm.DescribeClustersCommand({}));
      return {
        Clusters: out.Clusters.map((c) => ({
          ClusterId: c.ClusterId, State: c.State, Hsms: c.Hsms.length,
          CreateTimestamp: c.CreateTimestamp instanceof Date ? c.CreateTimestamp.getTime() / 1000 : null,
        })),
        attempts: out.$metadata.attempts,
      };
    }
    case "describe-key": {
      const out = await new kms.KMSClient({}).send(new kms.DescribeKeyCommand({ KeyId: args[0] }));
      return { KeyState: out.KeyMetadata.KeyState, attempts: out.$metadata.attempts };
    }
    default:
      throw new Error(`unknown command ${command}`);
  }
}

run(process.argv[2], process.argv.slice(3)).then(
  (output) => { console.log(JSON.stringify({ ok: true, output })); },
  (error) => {
    console.log(JSON.stringify({
      ok: false,
      error: { name: error.name, message: error.message, status: error.$metadata && error.$metadata.httpStatusCode,
               attempts: error.$metadata && error.$metadata.attempts },
    }));
  },
);
