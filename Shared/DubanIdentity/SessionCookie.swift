import Hummingbird

/// The dashboard's session cookie: the person's token, HttpOnly (no script reads it), SameSite=Strict (no other
/// site's page sends it), for the whole site, `Secure` whenever the public URL is https, and gone when the browser
/// closes (the session's idle timeout ends it on the server earlier).
public enum SessionCookie {
    public static let name = "duban_session"

    public static func make(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    public static func clear(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
