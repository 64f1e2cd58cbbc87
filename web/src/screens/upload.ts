import type { Schemas } from "../api/types";

/** PUT the file to its signed URL with progress (fetch cannot report upload progress). */
export function putSigned(
  upload: Schemas["SignedUploadOut"],
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method || "PUT", upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      // The browser sets Content-Length itself and refuses to be told.
      if (name.toLowerCase() !== "content-length") request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        let detail = `upload refused (${request.status})`;
        try {
          detail = (JSON.parse(request.responseText) as { detail?: string }).detail ?? detail;
        } catch {
          /* not JSON: keep the status line */
        }
        reject(new Error(detail));
      }
    };
    request.onerror = () => reject(new Error("The upload was interrupted. Check your connection and try again."));
    request.send(file);
  });
}
