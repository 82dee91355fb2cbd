// How a partner site would use the ErasWeb API: a client generated from the served OpenAPI document
// (openapi-typescript) and called through openapi-fetch. check.sh compiles this file against that
// document, so a path, parameter or property renamed or retyped in the API fails the check.
import createClient from "openapi-fetch";
import type { components, paths } from "./erasweb-api";

type Schemas = components["schemas"];

const erasweb = createClient<paths>({ baseUrl: "https://erasweb.example" });

export async function ping(): Promise<string | undefined> {
  const { data } = await erasweb.GET("/ping");
  return data;
}

/** A photo's era, or where a video's job stands; waits up to 30 s for a video's result. */
export async function classify(file: Blob, fileName: string): Promise<string> {
  const { data, error } = await erasweb.POST("/predict", {
    params: { query: { wait: 30 } },
    // openapi-typescript types a binary field as a string; the form carries the file itself.
    body: { file: fileName },
    bodySerializer: () => {
      const form = new FormData();
      form.append("file", file, fileName);
      return form;
    },
  });
  if (error) return `${error.status}: ${error.detail ?? error.title}`;
  if ("job_id" in data) return describeJob(data);
  const sure = data.uncertain ? `not sure: ${data.uncertain_reason}` : `${Math.round(data.confidence * 100)}%`;
  return `${data.predicted_class} (${sure}), heatmap ${data.gradcam_url}, page ${data.page_url}`;
}

function describeJob(job: Schemas["VideoJobResponse"]): string {
  if (job.status !== "succeeded") return `job ${job.job_id}: ${job.status}, ${job.progress}% (${job.status_url})`;
  const sets = job.show?.sets.map((s) => `${s.era} ${s.start}-${s.end}s`).join(", ");
  const timeline = (job.timeline ?? []).map((segment) => `${segment.era} ${segment.start}-${segment.end}s`).join(", ");
  return `${job.predicted_class}: ${sets ?? timeline}`;
}

export async function gallery(era: string): Promise<string[]> {
  const { data } = await erasweb.GET("/api/predictions", { params: { query: { era, limit: 24 } } });
  return (data?.items ?? []).map((p) => `${p.prediction_id} ${p.predicted_class} ${p.thumbnail_url}`);
}

export async function vote(predictionId: number, era: string): Promise<number | undefined> {
  const { data } = await erasweb.POST("/api/predictions/{id}/feedback", { params: { path: { id: predictionId } }, body: { era } });
  return data?.total_votes;
}

export async function deleteUpload(predictionId: number, deleteToken: string): Promise<boolean> {
  const { response } = await erasweb.DELETE("/api/predictions/{id}", {
    params: { path: { id: predictionId }, header: { "X-Delete-Token": deleteToken } },
  });
  return response.status === 204;
}
