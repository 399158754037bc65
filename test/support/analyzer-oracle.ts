import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { toStruct } from "../../src/gate/analyzer/wire";
import type { AnalyzerResource } from "../../src/gate/analyzer/types";

/**
 * The analyzer protocol's requests built with google-protobuf's own message classes, as the
 * Pulumi SDK builds them: the oracle the gate's hand encoder (`src/gate/analyzer/request-encoding.ts`)
 * is compared with byte for byte (`test/gate/analyzer-wire.test.ts`).
 */

function options(resource: AnalyzerResource): analyzerPb.AnalyzerResourceOptions {
  const given = resource.options ?? {};
  const message = new analyzerPb.AnalyzerResourceOptions();
  message.setProtect(given.protect ?? false);
  message.setIgnorechangesList(given.ignoreChanges ?? []);
  message.setDeletebeforereplace(given.deleteBeforeReplace ?? false);
  message.setDeletebeforereplacedefined(given.deleteBeforeReplaceDefined ?? given.deleteBeforeReplace !== undefined);
  message.setAdditionalsecretoutputsList(given.additionalSecretOutputs ?? []);
  message.setAliasesList(given.aliases ?? []);
  const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(given.customTimeouts?.create ?? 0);
  timeouts.setUpdate(given.customTimeouts?.update ?? 0);
  timeouts.setDelete(given.customTimeouts?.delete ?? 0);
  message.setCustomtimeouts(timeouts);
  const parent = given.parent ?? resource.parent;
  if (parent) message.setParent(parent);
  return message;
}

function provider(resource: AnalyzerResource): analyzerPb.AnalyzerProviderResource | undefined {
  if (!resource.provider) return undefined;
  const message = new analyzerPb.AnalyzerProviderResource();
  message.setType(resource.provider.type);
  message.setName(resource.provider.name);
  message.setUrn(resource.provider.urn);
  message.setProperties(toStruct(resource.provider.properties));
  return message;
}

/** The setters `AnalyzeRequest` and `AnalyzerResource` share (fields 1–6, numbered alike). */
type ResourceFieldsMessage = Pick<
  analyzerPb.AnalyzeRequest,
  "setType" | "setProperties" | "setUrn" | "setName" | "setOptions" | "setProvider"
>;

function setResourceFields<M extends ResourceFieldsMessage>(message: M, resource: AnalyzerResource): M {
  message.setType(resource.type);
  message.setProperties(toStruct(resource.properties));
  message.setUrn(resource.urn);
  message.setName(resource.name);
  message.setOptions(options(resource));
  const providerMessage = provider(resource);
  if (providerMessage) message.setProvider(providerMessage);
  return message;
}

/** `AnalyzeRequest` for one resource (`request-encoding.ts` writes the same bytes without the message objects). */
export function analyzeRequest(resource: AnalyzerResource): analyzerPb.AnalyzeRequest {
  return setResourceFields(new analyzerPb.AnalyzeRequest(), resource);
}

/** One resource of an `AnalyzeStackRequest`: its outputs, options, provider, parent and dependencies. */
export function analyzerResourceMessage(resource: AnalyzerResource): analyzerPb.AnalyzerResource {
  const message = setResourceFields(new analyzerPb.AnalyzerResource(), resource);
  if (resource.parent) message.setParent(resource.parent);
  message.setDependenciesList(resource.dependencies ?? []);
  const map = message.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
    if (urns.length === 0) continue;
    const dependencies = new analyzerPb.AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    map.set(key, dependencies);
  }
  return message;
}

/** `AnalyzeStackRequest` for every resource of a stack. */
export function analyzeStackRequest(resources: readonly AnalyzerResource[]): analyzerPb.AnalyzeStackRequest {
  const request = new analyzerPb.AnalyzeStackRequest();
  request.setResourcesList(resources.map(analyzerResourceMessage));
  return request;
}
