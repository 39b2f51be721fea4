// A bot import through @aws-sdk/client-lex-models-v2, a failed import, and two typed errors.
//
// The test builds the bot export (.zip) and passes its path in LEX_BOT_ZIP.
import { readFile } from "node:fs/promises";

import {
  CreateUploadUrlCommand,
  DescribeBotCommand,
  DescribeImportCommand,
  LexModelsV2Client,
  LexModelsV2ServiceException,
  ListBotLocalesCommand,
  ListIntentsCommand,
  ResourceNotFoundException,
  StartImportCommand,
  ValidationException,
} from "@aws-sdk/client-lex-models-v2";

import { caught, clientConfig, emit, poll } from "./common.mjs";

const roleArn = "arn:aws:iam::123456789012:role/lex-bot";
const lex = new LexModelsV2Client(clientConfig);

/** CreateUploadUrl, then PUT `body` to the URL; the importId and the PUT's status. */
async function upload(body) {
  const { importId, uploadUrl } = await lex.send(new CreateUploadUrlCommand({}));
  const put = await fetch(uploadUrl, { method: "PUT", body });
  return { importId, uploadUrl, putStatus: put.status };
}

/** Upload `body`, StartImport it as bot `botName` and poll DescribeImport to its end. */
async function importBot(body, botName) {
  const uploaded = await upload(body);
  const started = await lex.send(
    new StartImportCommand({
      importId: uploaded.importId,
      resourceSpecification: {
        botImportSpecification: { botName, roleArn, dataPrivacy: { childDirected: false } },
      },
      mergeStrategy: "FailOnConflict",
    }),
  );
  const reads = await poll(
    () => lex.send(new DescribeImportCommand({ importId: uploaded.importId })),
    (found) => found.importStatus === "Completed" || found.importStatus === "Failed",
  );
  const finished = reads.at(-1);
  return {
    ...uploaded,
    startStatus: started.importStatus,
    startHttpStatusCode: started.$metadata.httpStatusCode,
    statuses: [started.importStatus, ...reads.map((found) => found.importStatus)],
    importStatus: finished.importStatus,
    importedResourceId: finished.importedResourceId ?? null,
    importedResourceName: finished.importedResourceName ?? null,
    failureReasons: finished.failureReasons ?? [],
    mergeStrategy: finished.mergeStrategy,
    creationDateTimeIsDate: finished.creationDateTime instanceof Date,
  };
}

const imported = await importBot(await readFile(process.env.LEX_BOT_ZIP), "JsPizzaBot");
const botId = imported.importedResourceId;

const botReads = await poll(
  () => lex.send(new DescribeBotCommand({ botId })),
  (bot) => bot.botStatus === "Available",
);
const bot = botReads.at(-1);

const { botLocaleSummaries } = await lex.send(
  new ListBotLocalesCommand({ botId, botVersion: "DRAFT" }),
);
const { intentSummaries } = await lex.send(
  new ListIntentsCommand({ botId, botVersion: "DRAFT", localeId: "en_US" }),
);

// Bytes that start like a zip but are not one: the import ends Failed.
const broken = await importBot(new TextEncoder().encode("PK\u0003\u0004 not really"), "Broken");

const classes = { ValidationException, ResourceNotFoundException, LexModelsV2ServiceException };
const spare = await upload(new Uint8Array([0x50, 0x4b]));
const validation = await caught(
  () =>
    lex.send(
      new StartImportCommand({
        importId: spare.importId,
        resourceSpecification: {},
        mergeStrategy: "Overwrite",
      }),
    ),
  classes,
);
const notFound = await caught(
  () =>
    lex.send(
      new StartImportCommand({
        importId: "ABCDE12345",
        resourceSpecification: {
          botImportSpecification: {
            botName: "Nowhere",
            roleArn,
            dataPrivacy: { childDirected: false },
          },
        },
        mergeStrategy: "Overwrite",
      }),
    ),
  classes,
);

emit({
  imported,
  bot: {
    botId: bot.botId,
    botName: bot.botName,
    description: bot.description,
    roleArn: bot.roleArn,
    idleSessionTTLInSeconds: bot.idleSessionTTLInSeconds,
    statuses: botReads.map((read) => read.botStatus),
  },
  locales: botLocaleSummaries
    .map((locale) => ({
      localeId: locale.localeId,
      localeName: locale.localeName,
      botLocaleStatus: locale.botLocaleStatus,
    }))
    .sort((a, b) => a.localeId.localeCompare(b.localeId)),
  intents: intentSummaries.map((intent) => intent.intentName).sort(),
  broken,
  errors: { validation, notFound },
});
