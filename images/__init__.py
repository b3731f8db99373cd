"""Images: what uploads are accepted and stripped of, their renditions, and keeping both in step with saves.

Content apps declare picture fields with ``images.uploads.PictureField`` and register them with
``images.lifecycle.manage_image_field`` in their ``AppConfig.ready()``; ``{% picture %}`` prints them.
"""
