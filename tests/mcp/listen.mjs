// Shared by the test servers here: listen on a free loopback port, write
// that port to portFile (whole, then renamed: a reader never sees a
// partial port) and stop cleanly on SIGTERM or SIGINT.
import { writeFileSync, renameSync } from 'node:fs';

export function listenLoopback(http, portFile, onListening = () => {}) {
    http.listen(0, '127.0.0.1', () => {
        const port = http.address().port;
        onListening(port);
        writeFileSync(portFile + '.tmp', `${port}\n`);
        renameSync(portFile + '.tmp', portFile);
    });
    for (const sig of ['SIGTERM', 'SIGINT']) {
        process.on(sig, () => {
            http.close();
            http.closeAllConnections?.();
            process.exit(0);
        });
    }
}
