import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension WebhookDelivery {
    /// One HTTP attempt of one body. Every timestamp is the real time of this attempt: Standard Webhooks' receivers
    /// refuse one outside their tolerance (5 minutes is the norm), DingTalk and Feishu one more than an hour off.
    func attempt(_ notice: Notice, body: Data, to target: WebhookTarget) async -> DeliveryOutcome {
        let now = clock.now()
        let timestamp = Int(now.timeIntervalSince1970)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        var body = body
        switch target.format {
        case .standard:
            request.headers.add(name: "webhook-id", value: notice.id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            if let secret = target.resolvedSecret {
                guard let signature = WebhookSignature.sign(id: notice.id, timestamp: timestamp, body: body, secret: secret) else {
                    return .stop(reason: "the secret is not whsec_ followed by 24 to 64 bytes of base64")
                }
                request.headers.add(name: "webhook-signature", value: signature)
            }
        case .dingtalk:
            if let secret = target.resolvedSecret {
                let milliseconds = String(Int(now.timeIntervalSince1970 * 1_000))
                let sign = WebhookSignature.robot(timestamp: milliseconds, secret: secret, dingTalk: true)
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                request.url += (target.url.contains("?") ? "&" : "?") + "timestamp=\(milliseconds)&sign=\(sign)"
            }
        case .feishu:
            body = RobotMessage.signFeishu(body, secret: target.resolvedSecret, timestamp: timestamp)
        case .wecom:
            break
        }
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let answer = (try? await response.body.collect(upTo: 64 * 1_024)).map { Data(buffer: $0) } ?? Data()
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            return RobotResponse.classify(target.format, status: Int(response.status.code), body: answer, retryAfter: retryAfter)
        } catch {
            return .retry(after: nil, reason: "\(error)")
        }
    }
}
