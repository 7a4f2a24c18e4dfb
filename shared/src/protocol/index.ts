/** The wire protocol: one zod schema per socket event and HTTP body, error codes, the ack envelope, view patches. */
export * from "./errors";
export * from "./events";
export * from "./http";
export * from "./patch";
export * from "./settings";
export * from "./views";
