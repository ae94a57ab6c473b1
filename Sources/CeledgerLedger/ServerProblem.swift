import CeledgerDomain

/// Why a ledger server refused or could not be reached, in the words of what to do about it. The
/// client library's own text is never shown (it may be in any language, and it names the library, not
/// the clerk's next step); the server backend classifies it into one of these.
public enum ServerProblem: Sendable, Hashable {
    /// Nothing answered at the host and port (not running, wrong address, a firewall, a timeout).
    case unreachable(host: String)
    /// The host name does not resolve.
    case unknownHost(host: String)
    /// The server asks for a password and none was given.
    case needsPassword(user: String)
    /// The password was wrong.
    case wrongPassword(user: String)
    /// No login role of that name on the server.
    case noRole(user: String)
    /// No database of that name on the server.
    case noDatabase(name: String)
    /// The server's pg_hba.conf does not let this user in from this machine.
    case notAllowedFromHere(user: String)
    /// The server's certificate could not be verified (the root certificate, or the host name).
    case certificate
    /// The address asks for TLS and the server does not offer it.
    case noTLS
    /// Every connection slot is taken.
    case full
    /// The server is starting up, shutting down or in recovery.
    case notReady

    public var message: Message {
        switch self {
        case .unreachable(let host):
            Message(
                zh: "连不上服务器 \(host)；请检查服务器是否在运行、地址和端口是否正确、网络或防火墙是否放行，再试一次",
                en:
                    "the server \(host) does not answer; check that it is running, that the address and port are right and that the network or firewall lets you through, then try again"
            )
        case .unknownHost(let host):
            Message(
                zh: "找不到主机 \(host)；请检查地址中的主机名", en: "no host named \(host) is known; check the host name in the address")
        case .needsPassword(let user):
            Message(
                zh: "服务器要求用户 \(user) 的密码；请把密码写在环境变量 PGPASSWORD 或 ~/.pgpass（权限 0600）中，不要写在地址里",
                en:
                    "the server asks for the password of \(user); put it in PGPASSWORD or ~/.pgpass (mode 0600), not in the address"
            )
        case .wrongPassword(let user):
            Message(
                zh: "用户 \(user) 的密码不对；请检查 PGPASSWORD 或 ~/.pgpass，或请管理员重设密码",
                en: "the password of \(user) is wrong; check PGPASSWORD or ~/.pgpass, or ask the administrator to reset it")
        case .noRole(let user):
            Message(
                zh: "服务器上没有登录角色 \(user)；请检查地址中的用户名，或请管理员建立该角色（CREATE ROLE … LOGIN）",
                en:
                    "the server has no login role \(user); check the user name in the address, or ask the administrator to create it (CREATE ROLE … LOGIN)"
            )
        case .noDatabase(let name):
            Message(
                zh: "服务器上没有数据库 \(name)；请检查地址中的数据库名，或请管理员建立（createdb）",
                en:
                    "the server has no database \(name); check the database name in the address, or ask the administrator to create it (createdb)"
            )
        case .notAllowedFromHere(let user):
            Message(
                zh: "服务器不允许用户 \(user) 从本机连接；请管理员在服务器的 pg_hba.conf 中放行（hostssl … scram-sha-256）",
                en:
                    "the server does not let \(user) connect from this machine; ask the administrator to allow it in the server's pg_hba.conf (hostssl … scram-sha-256)"
            )
        case .certificate:
            Message(
                zh: "无法验证服务器的证书；请确认 sslrootcert 指向管理员发给您的根证书，且地址中的主机名与证书一致",
                en:
                    "the server's certificate cannot be verified; check that sslrootcert names the root certificate your administrator gave you and that the host name in the address is the one on the certificate"
            )
        case .noTLS:
            Message(
                zh: "地址要求加密连接（sslmode），但服务器没有开启 TLS；请管理员开启（ssl = on）",
                en:
                    "the address asks for an encrypted connection (sslmode) but the server does not offer TLS; ask the administrator to turn it on (ssl = on)"
            )
        case .full:
            Message(
                zh: "服务器的连接数已满；请稍后再试，或请管理员调大 max_connections",
                en: "the server has no free connection; try again shortly, or ask the administrator to raise max_connections")
        case .notReady:
            Message(
                zh: "服务器正在启动、关闭或恢复中；请稍后再试", en: "the server is starting up, shutting down or recovering; try again shortly")
        }
    }
}
