import { defineConfig } from "vite";

// The client is built into client/dist, which the game server serves (npm start builds it when needed).
export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: {
    proxy: { "/socket.io": { target: "http://localhost:3000", ws: true }, "/api": "http://localhost:3000" },
  },
});
