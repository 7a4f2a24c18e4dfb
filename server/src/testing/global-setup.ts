/** Before any test: the server bundle the child-process tests start (as `npm start` does). */
import { buildServerIfNeeded } from "../../../scripts/build-if-needed";

export default function setup(): void {
  if (!buildServerIfNeeded()) throw new Error("the server build failed (see above)");
}
