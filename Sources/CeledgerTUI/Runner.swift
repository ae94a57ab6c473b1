import CeledgerDomain
import CeledgerLedger

/// The main loop: draw, read a key, let the app handle it, draw again. Everything the loop touches of the
/// terminal goes through `Terminal`, so the same loop runs on curses and on a test double.
public enum TUIRunner {
    /// Runs until the app quits or `interrupted` says a signal arrived; always gives the terminal back.
    public static func run(_ app: App, on terminal: Terminal, interrupted: () -> Bool = { false }) {
        defer { terminal.shutdown() }
        var last = app.render()
        terminal.draw(last)
        // The first screen is up: what the first search keystroke needs is read meanwhile.
        app.ledger.prepareSearch(year: app.year)
        while !app.shouldQuit && !interrupted() {
            // What a screen waits for from the background (the search index, a year's flags) is looked for every 20 ms.
            guard let key = terminal.readKey(timeoutMilliseconds: app.waitsForTick ? 20 : 250) else {
                if app.waitsForTick, app.tick() {
                    last = app.render()
                    terminal.draw(last)
                } else if !app.waitsForTick, app.idle() {
                    // Another clerk's change, shown without a key press (at most 250 ms late).
                    let next = app.render()
                    if next != last {
                        terminal.draw(next)
                        last = next
                    }
                }
                continue
            }
            app.handle(key)
            let next = app.render()
            if next != last {
                terminal.draw(next)
                last = next
            }
        }
    }
}
