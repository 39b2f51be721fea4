// An endpoint import through @aws-sdk/client-pinpoint, and two typed errors.
//
// The test seeds the file to import (the controller's put_object) and passes its
// s3:// URL in PINPOINT_S3_URL.
import {
  BadRequestException,
  CreateAppCommand,
  CreateImportJobCommand,
  GetEndpointCommand,
  GetImportJobCommand,
  GetSegmentCommand,
  NotFoundException,
  PinpointClient,
  PinpointServiceException,
} from "@aws-sdk/client-pinpoint";

import { caught, clientConfig, emit, poll } from "./common.mjs";

const S3Url = process.env.PINPOINT_S3_URL;
const RoleArn = "arn:aws:iam::123456789012:role/pinpoint-import";
const pinpoint = new PinpointClient(clientConfig);

const app = await pinpoint.send(
  new CreateAppCommand({ CreateApplicationRequest: { Name: "js-endpoints" } }),
);
const ApplicationId = app.ApplicationResponse.Id;

const created = await pinpoint.send(
  new CreateImportJobCommand({
    ApplicationId,
    ImportJobRequest: {
      Format: "CSV",
      S3Url,
      RoleArn,
      RegisterEndpoints: true,
      DefineSegment: true,
      SegmentName: "JS customers",
    },
  }),
);
const JobId = created.ImportJobResponse.Id;

const reads = await poll(
  async () =>
    (await pinpoint.send(new GetImportJobCommand({ ApplicationId, JobId }))).ImportJobResponse,
  (job) => job.JobStatus === "COMPLETED" || job.JobStatus === "FAILED",
);
const finished = reads.at(-1);

const endpoints = {};
for (const EndpointId of ["p1", "p2", "p3"]) {
  const { EndpointResponse } = await pinpoint.send(
    new GetEndpointCommand({ ApplicationId, EndpointId }),
  );
  endpoints[EndpointId] = {
    Address: EndpointResponse.Address,
    ChannelType: EndpointResponse.ChannelType,
    UserId: EndpointResponse.User?.UserId,
    EndpointStatus: EndpointResponse.EndpointStatus,
    OptOut: EndpointResponse.OptOut,
  };
}

const SegmentId = finished.Definition.SegmentId;
const { SegmentResponse: segment } = await pinpoint.send(
  new GetSegmentCommand({ ApplicationId, SegmentId }),
);

const classes = { BadRequestException, NotFoundException, PinpointServiceException };
const badRequest = await caught(
  () =>
    pinpoint.send(
      new CreateImportJobCommand({
        ApplicationId,
        ImportJobRequest: { Format: "CSV", S3Url, RoleArn: "not-a-role" },
      }),
    ),
  classes,
);
// p4 had an unknown channel type: the job refused it, so no such endpoint exists.
const notFound = await caught(
  () => pinpoint.send(new GetEndpointCommand({ ApplicationId, EndpointId: "p4" })),
  classes,
);

const counters = (job) =>
  Object.fromEntries(
    ["TotalPieces", "CompletedPieces", "FailedPieces", "TotalProcessed", "TotalFailures"].map(
      (name) => [name, job[name] ?? null],
    ),
  );

emit({
  app: {
    id: ApplicationId,
    name: app.ApplicationResponse.Name,
    httpStatusCode: app.$metadata.httpStatusCode,
  },
  created: {
    id: JobId,
    status: created.ImportJobResponse.JobStatus,
    type: created.ImportJobResponse.Type,
    httpStatusCode: created.$metadata.httpStatusCode,
  },
  statuses: [created.ImportJobResponse.JobStatus, ...reads.map((job) => job.JobStatus)],
  finished: {
    status: finished.JobStatus,
    counters: counters(finished),
    failures: finished.Failures ?? null,
    definition: finished.Definition,
    hasCompletionDate: typeof finished.CompletionDate === "string",
  },
  endpoints,
  segment: {
    id: segment.Id,
    name: segment.Name,
    type: segment.SegmentType,
    version: segment.Version,
    importDefinition: segment.ImportDefinition,
  },
  errors: { badRequest, notFound },
});
