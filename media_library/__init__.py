"""The media library: pictures with their credits, rights and focal points, for stories to use."""
