package io.jingress.jetty.internal.http1;

import org.eclipse.jetty.server.Response;

/** What a request log reads of a response the lean connection wrote, where Jetty's statics know only their own. */
public final class LeanResponses {
    private LeanResponses() {
    }

    /**
     * The body bytes written of {@code response} (or of the response it wraps) when the lean
     * connection wrote it, else {@link Response#getContentBytesWritten}'s answer.
     */
    public static long contentBytesWritten(Response response) {
        Response original = Response.getOriginalResponse(response);
        if (original instanceof LeanResponse lean) {
            return lean.contentBytesWritten();
        }
        return Response.getContentBytesWritten(response);
    }
}
