/**
 * The built client, served from one folder. Paths that are not files (`/join/K7QXP`, `/host/K7QXP`)
 * get `index.html`, so links open the app. Hashed assets are cached for a year, the page never.
 */
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
};

const MISSING_CLIENT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Boxless</title>
<body style="font:18px system-ui;margin:3rem"><h1>Boxless server is running</h1>
<p>The browser client has not been built. Run <code>npm start</code> from the project folder (it builds it), or <code>npm run build</code>.</p></body></html>`;

export function serveStatic(root: string | null) {
  const index = root ? path.join(root, "index.html") : null;
  return (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let file: string | null = null;
    if (root) {
      const wanted = path.normalize(path.join(root, decodeURIComponent(pathname)));
      if (wanted.startsWith(root + path.sep) && fs.existsSync(wanted) && fs.statSync(wanted).isFile())
        file = wanted;
      else if (!path.extname(pathname) && index && fs.existsSync(index)) file = index;
    }
    if (!file) {
      const page = !path.extname(pathname);
      res.writeHead(page ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
      res.end(page ? MISSING_CLIENT : "Not found");
      return;
    }
    const hashed = pathname.startsWith("/assets/");
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  };
}
