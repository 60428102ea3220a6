package dev.queryrelay.snowflake.fake;

/** An HTTP-level fault the fake injects instead of answering a request. */
public enum Fault {
    /** Answer HTTP 503 Service Unavailable (the driver retries it). */
    HTTP_503(503),
    /** Answer HTTP 500. */
    HTTP_500(500),
    /** Answer HTTP 429 Too Many Requests (the driver retries it). */
    HTTP_429(429),
    /** Answer HTTP 400 (the driver does not retry it). */
    HTTP_400(400),
    /** Answer HTTP 403. */
    HTTP_403(403),
    /** Answer HTTP 404. */
    HTTP_404(404),
    /** Close the connection without any response. */
    DROP_CONNECTION(0),
    /**
     * Process the request (e.g. accept a query), then close the connection without the answer:
     * the client cannot know that the request took effect.
     */
    LOSE_ANSWER(0);

    private final int httpStatus;

    Fault(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status to send, or 0 to close the connection instead. */
    public int httpStatus() {
        return httpStatus;
    }
}
