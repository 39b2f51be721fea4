// A quick-response import through @aws-sdk/client-qconnect, and two typed errors.
import {
  CreateKnowledgeBaseCommand,
  GetImportJobCommand,
  ListQuickResponsesCommand,
  QConnectClient,
  QConnectServiceException,
  ResourceNotFoundException,
  StartContentUploadCommand,
  StartImportJobCommand,
  ValidationException,
} from "@aws-sdk/client-qconnect";

import { caught, clientConfig, emit, fetchText, poll } from "./common.mjs";

const MISSING_ID = "00000000-0000-4000-8000-000000000000";
// Three rows; the third reuses the shortcut key "hi", so it is refused and reported.
const CSV = [
  "name,content,shortcutKey",
  "Greeting,Hello there,hi",
  "Farewell,Goodbye,bye",
  "Duplicate,Again,hi",
  "",
].join("\r\n");

const qconnect = new QConnectClient(clientConfig);

const { knowledgeBase } = await qconnect.send(
  new CreateKnowledgeBaseCommand({
    name: "js-quick-responses",
    knowledgeBaseType: "QUICK_RESPONSES",
  }),
);
const knowledgeBaseId = knowledgeBase.knowledgeBaseId;

const upload = await qconnect.send(
  new StartContentUploadCommand({ knowledgeBaseId, contentType: "text/csv" }),
);
const put = await fetch(upload.url, {
  method: "PUT",
  headers: upload.headersToInclude,
  body: CSV,
});

const started = await qconnect.send(
  new StartImportJobCommand({
    knowledgeBaseId,
    importJobType: "QUICK_RESPONSES",
    uploadId: upload.uploadId,
  }),
);
const importJobId = started.importJob.importJobId;

const reads = await poll(
  async () =>
    (await qconnect.send(new GetImportJobCommand({ knowledgeBaseId, importJobId }))).importJob,
  (job) => job.status === "COMPLETE" || job.status === "FAILED",
);
const finished = reads.at(-1);
const report = await fetchText(finished.failedRecordReport);

const listed = await qconnect.send(new ListQuickResponsesCommand({ knowledgeBaseId }));

const classes = { ValidationException, ResourceNotFoundException, QConnectServiceException };
const validation = await caught(
  () =>
    qconnect.send(
      new StartContentUploadCommand({
        knowledgeBaseId,
        contentType: "text/csv",
        presignedUrlTimeToLive: 61,
      }),
    ),
  classes,
);
const notFound = await caught(
  () => qconnect.send(new GetImportJobCommand({ knowledgeBaseId, importJobId: MISSING_ID })),
  classes,
);

emit({
  knowledgeBase: {
    id: knowledgeBaseId,
    name: knowledgeBase.name,
    type: knowledgeBase.knowledgeBaseType,
    status: knowledgeBase.status,
  },
  upload: {
    uploadId: upload.uploadId,
    url: upload.url,
    headersToInclude: upload.headersToInclude,
    urlExpiryIsDate: upload.urlExpiry instanceof Date,
    putStatus: put.status,
    putETag: put.headers.get("etag"),
  },
  started: {
    importJobId,
    status: started.importJob.status,
    uploadId: started.importJob.uploadId,
    httpStatusCode: started.$metadata.httpStatusCode,
    createdTimeIsDate: started.importJob.createdTime instanceof Date,
  },
  statuses: [started.importJob.status, ...reads.map((job) => job.status)],
  finished: {
    status: finished.status,
    failedRecordReportIsUrl: typeof finished.failedRecordReport === "string",
    lastModifiedTimeIsDate: finished.lastModifiedTime instanceof Date,
  },
  report,
  quickResponses: listed.quickResponseSummaries
    .map((summary) => ({
      name: summary.name,
      contentType: summary.contentType,
      status: summary.status,
      knowledgeBaseId: summary.knowledgeBaseId,
    }))
    .sort((a, b) => a.name.localeCompare(b.name)),
  nextToken: listed.nextToken ?? null,
  errors: { validation, notFound },
});
