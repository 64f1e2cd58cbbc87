import type { components as Api } from "./api-schema";
import type { components as Ops } from "./ops-schema";

export type Schemas = Api["schemas"];
export type OpsSchemas = Ops["schemas"];
export type DocumentOut = Schemas["DocumentOut"];
export type Journey = Schemas["Journey"];
export type JourneyStep = Schemas["JourneyStep"];
export type ProfileInputs = Schemas["ProfileInputs"];
export type CareerProfile = Schemas["CareerProfile"];
export type MatchOut = Schemas["MatchOut"];
export type MatchDetail = Schemas["MatchDetail"];
export type FailureClass = Schemas["FailureClass"];
