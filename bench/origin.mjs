// The origin behind the bench's gateway scenario, in a process of its own so that it does not
// share autocannon's event loop: a keep-alive HTTP/1.1 server that answers every request with
// a fixed 2-byte body, without parsing more than it must (requests carry no body). Prints its
// port on stdout.
import { createServer } from "node:net";

const RESPONSE = Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");

const server = createServer((socket) => {
  let pending = "";
  socket.setNoDelay(true);
  socket.on("data", (chunk) => {
    pending += chunk.toString("latin1");
    let end;
    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
      pending = pending.slice(end + 4);
      socket.write(RESPONSE);
    }
  });
  socket.on("error", () => socket.destroy());
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
