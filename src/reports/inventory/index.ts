/** The agent inventory: one record per agent identity, its formats, and offboarding by owner. */
export * from "../../model/inventory/schema";
export type * from "../../model/inventory/record";
export {
  buildInventoryRecord,
  earliestCreated,
  inventoryGrants,
  type InventoryRecordOptions,
} from "../../clouds/inventory-record";
export {
  IDENTITY_RESOURCE_TYPES,
  InventoryError,
  identitiesFrom,
  inventoryFromResources,
  isAgentsIdentity,
  type InventoryOptions,
  type ResourceLike,
} from "./from-resources";
export { agentModelSchema, readAgentModel } from "../../model/agent-model";
export {
  accessWords,
  describeAccountWide,
  describeGrant,
  resourceShortName,
  resourceWords,
  CLOUD_NAMES,
  DATA_CLASS_WORDS,
  RESOURCE_TYPE_WORDS,
} from "../../model/plain-words";
export { CSV_COLUMNS, csvCell, inventoryCsv } from "./csv";
export { EXPIRING_SOON_DAYS, expiringSoon, inventoryMarkdown } from "./markdown";
export { INVENTORY_SCHEMA_FILE, inventoryJsonSchema, schemaFileText } from "../../model/inventory/json-schema";
export * from "../../model/offboarding";
export { INVENTORY_FORMATS, formatInventory, inventoryDocument, type InventoryFormat } from "./document";
